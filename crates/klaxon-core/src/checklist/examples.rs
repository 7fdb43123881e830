//! The checklists Klaxon writes on first run, drawn from how on-call teams prepare: edit the
//! hosts and links to your team's, keep them in git next to the team file.

/// `checklists/pre-shift.toml`: run before every shift.
pub const PRE_SHIFT_EXAMPLE: &str = r#"# Before my shift: what every on-call engineer checks before taking the pager.
# Klaxon runs it `before_shift` ahead of each of your shifts and tells you what is broken.
# `klaxon check pre-shift` runs it now; `klaxon config check` checks this file.
# Edit the hosts and links below to your team's. Each item names one probe:
#   tcp, dns, interface, http, command, provider, contacts, schedule, test_page,
#   phone, recent_incidents, manual.
title = "Before my shift"
before_shift = "30m"

[[items]]
id = "vpn"
title = "VPN reaches the internal network"
help = "Connect the VPN (e.g. `wg-quick up wg0`) and run the checklist again."
# A host only reachable through the VPN.
tcp = { host = "vpn-only.example.internal", port = 443 }
timeout = "5s"

[[items]]
id = "internal-dns"
title = "Internal names resolve to private addresses"
dns = { name = "grafana.example.internal", expect_in = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] }
timeout = "5s"

[[items]]
id = "monitoring"
title = "Monitoring answers, certificate good for a week"
http = { url = "https://grafana.example.com/api/health", status = [200], cert_days = 7 }

[[items]]
id = "paging-accounts"
title = "Every paging account works and can reach my phone"
provider = {}

[[items]]
id = "contacts"
title = "Everyone I may call has a phone number"
contacts = { channel = "phone" }

[[items]]
id = "schedule"
title = "I know my next shift and tomorrow is covered"
schedule = { within_days = 7 }

[[items]]
id = "test-page"
title = "A test page rang and I saw it"
test_page = {}
timeout = "2m"

# Once the phone is set up (`klaxon phone setup`): a test push, acknowledged on the phone.
# [[items]]
# id = "phone"
# title = "A test push reached my phone and I acknowledged it there"
# phone = {}

[[items]]
id = "recent-incidents"
title = "Last week's incidents and the open ones reviewed"
recent_incidents = { days = 7 }

[[items]]
id = "handover"
title = "Read the previous on-call's handover"
manual = { valid_for = "shift" }
"#;

/// `checklists/new-hire.toml`: what a new hire has in place before shadowing.
pub const NEW_HIRE_EXAMPLE: &str = r#"# New hire: what has to be in place before you shadow your first shift.
# Tick what Klaxon cannot see (`klaxon check tick new-hire ITEM`); the rest it checks itself.
# Edit the links below to your team's tools.
title = "Ready to shadow"

[[items]]
id = "phone-apps"
title = "Smartphone has the team's chat, video and paging apps"
manual = { valid_for = "forever" }

[[items]]
id = "team-in-contacts"
title = "Team members are in my phone's contacts"
manual = { valid_for = "90d" }

[[items]]
id = "own-contacts"
title = "My own contact details are up to date in the team file"
contacts = { channel = "phone" }

[[items]]
id = "cloud-console"
title = "Cloud console"
http = { url = "https://console.example.com/", status = [200, 302] }

[[items]]
id = "admin"
title = "Admin tools"
http = { url = "https://admin.example.com/", status = [200, 302] }

[[items]]
id = "code-host"
title = "Code host"
http = { url = "https://git.example.com/", status = [200, 302] }

[[items]]
id = "issue-tracker"
title = "Issue tracker"
http = { url = "https://issues.example.com/", status = [200, 302] }

[[items]]
id = "test-environment"
title = "Test environment"
http = { url = "https://staging.example.com/", status = [200, 302] }

[[items]]
id = "vpn"
title = "VPN installed and up"
interface = { name = "wg*" }
required = false
"#;
