import { z } from "zod";
import "../common/messages";
import { USER_ROLES } from "./roles";

/** One schema per form, used by conform in the browser and by the action on the server. */

export const emailField = z
  .string({ error: "Enter a valid email address" })
  .trim()
  .max(254, "Enter a valid email address")
  .pipe(z.email({ error: "Enter a valid email address" }));

/** /admin/moderators: invite an address (as a moderator, or an admin), or remove an account. */
export const staffFormSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("invite"),
    email: emailField,
    role: z.enum([USER_ROLES.moderator, USER_ROLES.admin], { error: "Choose moderator or admin" }).default(USER_ROLES.moderator),
  }),
  z.object({
    intent: z.literal("remove"),
    id: z.string({ error: "No account given" }).regex(/^\d{1,18}$/, "No such account"),
  }),
]);
export type StaffFormInput = z.infer<typeof staffFormSchema>;
