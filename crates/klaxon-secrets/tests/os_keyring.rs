//! The real OS keyring: gnome-keyring-daemon on a private D-Bus session (scripts/test.sh sets it up).

use klaxon_secrets::{KeyringStore, Secret, SecretStore};

#[test]
#[ignore = "needs an unlocked Secret Service on the session bus; run by scripts/test.sh"]
fn round_trips_through_the_secret_service() {
    let store = KeyringStore::open().expect("keyring available");
    let key = format!("test-{}", std::process::id());
    assert_eq!(store.get(&key).unwrap(), None);
    store.set(&key, &Secret::new("s3cret-value")).unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().expose(), "s3cret-value");
    store.set(&key, &Secret::new("rotated")).unwrap();
    assert_eq!(store.get(&key).unwrap().unwrap().expose(), "rotated");
    store.delete(&key).unwrap();
    assert_eq!(store.get(&key).unwrap(), None);
    // Another handle (as another process would) sees nothing left behind.
    assert_eq!(KeyringStore::open().unwrap().get(&key).unwrap(), None);
}

#[test]
#[ignore = "needs DBUS_SESSION_BUS_ADDRESS pointing at no bus; run by scripts/test.sh"]
fn missing_keyring_is_a_clear_error() {
    // scripts/test.sh runs this one with DBUS_SESSION_BUS_ADDRESS pointing at no bus.
    let err = KeyringStore::open().and_then(|s| s.get("anything")).unwrap_err();
    assert!(err.to_string().contains("gnome-keyring"), "{err}");
}
