import type { Role } from "./states";

/**
 * What the signer's own pages (confirm, manage) show of a signature: the public fields and the
 * letter, never the email address or private name.
 */
export interface SignatureView {
  displayName: string;
  role: Role;
  country: string;
  link: string | null;
  comment: string | null;
  letterTitle: string;
  /** False when the signer asked to be counted without their name being shown (decision 016). */
  named: boolean;
}
