/** Times as the person's locale shows them; `—` for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString();
}

/** "3 min ago", "2 h ago", … for recent times. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A group key `{ user_id: "u1" }` as `user_id=u1`. */
export function formatGroupKey(k: Record<string, unknown>): string {
  const parts = Object.entries(k).map(([f, v]) => `${f}=${String(v)}`);
  return parts.length ? parts.join(', ') : '—';
}
