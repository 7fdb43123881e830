import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { installFakeBackend, makeIncident } from './test/fakeBackend';
const now = Date.now();
const ago = (m: number) => new Date(now - m * 60000).toISOString();
const fake = installFakeBackend([
  makeIncident(12, { title: 'Checkout API 5xx rate above 20%', severity: 'sev1', service: 'checkout', created_at: ago(3), escalation_level: 2, account: 'prod-pd', details: { text: 'Error rate 23.4% over 5m window.\nRunbook: checkout-5xx', labels: { region: 'eu-west-1', cluster: 'k8s-prod-3', alertname: 'HighErrorRate' } } }),
  makeIncident(9, { title: 'Replica lag on orders-db', severity: 'sev2', service: 'orders-db', status: 'acknowledged', created_at: ago(47), account: 'prod-og' }),
  makeIncident(4, { title: 'Disk usage 85% on logs-2', severity: 'sev3', service: 'logging', created_at: ago(190) }),
  makeIncident(2, { title: 'Certificate expires in 14 days', severity: 'sev4', service: null, created_at: ago(60 * 26), urgency: 'low' }),
]);
fake.logs.get(12)!.push(
  { at: ago(2), kind: 'notified', message: 'Paged Alice via desktop + sound', actor: null },
  { at: ago(1), kind: 'escalated', message: 'Escalated to level 2 (Bob)', actor: null },
);
if (location.hash === '#error') fake.failNext.set('list_incidents', { code: 'storage', message: 'database is locked' });
mount(App, { target: document.getElementById('app')! });
