import { Form, Link } from "@remix-run/react";

export function AdminNav({ email, role, counts }: { email: string; role: string; counts?: Record<string, number> }) {
  return (
    <nav className="admin-nav" aria-label="Moderation">
      <Link to="/admin?state=pending">Pending{counts ? ` (${counts.pending ?? 0})` : ""}</Link>
      <Link to="/admin?state=quarantined">Quarantined{counts ? ` (${counts.quarantined ?? 0})` : ""}</Link>
      <Link to="/admin?state=approved">Approved{counts ? ` (${counts.approved ?? 0})` : ""}</Link>
      <Link to="/admin?state=rejected">Rejected{counts ? ` (${counts.rejected ?? 0})` : ""}</Link>
      <Link to="/admin/trending">Trending</Link>
      <Link to="/admin/bulk">Bulk</Link>
      <Link to="/admin/labels">Labels</Link>
      {role === "admin" ? <Link to="/admin/notable">Notable names</Link> : null}
      {role === "admin" ? <Link to="/admin/moderators">Moderators</Link> : null}
      {role === "admin" ? <Link to="/admin/snapshots">Snapshots</Link> : null}
      {role === "admin" ? <Link to="/admin/campaign">Campaign</Link> : null}
      {role === "admin" ? <Link to="/admin/delivery">Delivery</Link> : null}
      <span className="admin-who">{email}</span>
      <Form method="post" action="/admin/logout" className="inline-form">
        <label>
          <input type="checkbox" name="everywhere" /> everywhere
        </label>
        <button type="submit" className="link-button">
          Sign out
        </button>
      </Form>
    </nav>
  );
}
