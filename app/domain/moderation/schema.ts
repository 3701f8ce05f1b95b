import { z } from "zod";
import "../common/messages";
import { idSchema } from "../common/schema";
import { SIGNATURE_KINDS, SIGNATURE_STATES, ROLES } from "../signatures/states";
import { REJECTION_REASONS } from "./reasons";

/** The moderators' forms and queries (docs/decisions/011: one schema per input). */

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** The queue's filters: a bad value falls back to its default rather than failing the page. */
export const queueFilterSchema = z.object({
  state: z.enum(SIGNATURE_STATES).catch("pending"),
  order: z.enum(["oldest", "newest"]).catch("oldest"),
  kind: optional(z.enum(SIGNATURE_KINDS)).catch(undefined),
  country: optional(z.string().regex(/^[A-Z]{2}$/)).catch(undefined),
  role: optional(z.enum(ROLES)).catch(undefined),
  q: optional(z.string().max(200)).catch(undefined),
  flagged: optional(z.literal("on")).catch(undefined),
});
export type QueueFilterInput = z.infer<typeof queueFilterSchema>;

const reason = z.enum(Object.keys(REJECTION_REASONS) as [keyof typeof REJECTION_REASONS], { error: "Choose a reason" });
const note = optional(z.string().trim().max(500, "Use at most 500 characters"));
const decided = { id: idSchema, expected: z.enum(SIGNATURE_STATES), version: optional(z.string().max(64)) };

/** One decision on the queue; the button pressed is the intent. */
export const decisionSchema = z
  .discriminatedUnion("intent", [
    z.object({ intent: z.literal("approve"), ...decided }),
    z.object({ intent: z.literal("feature"), ...decided }),
    z.object({ intent: z.literal("unfeature"), ...decided }),
    z.object({ intent: z.literal("reject"), ...decided, reason, note }),
    z.object({ intent: z.literal("hide"), ...decided, reason, note }),
  ])
  .superRefine((v, ctx) => {
    if ("reason" in v && v.reason === "other" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "Add a note when the reason is “other”" });
  });

/** The detail page: mark notable (or not), record an identity check. */
export const signatureActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("notable") }),
  z.object({ intent: z.literal("not-notable") }),
  z.object({
    intent: z.literal("identity"),
    how: z
      .string({ error: "Say how the identity was checked" })
      .trim()
      .min(10, "Say how the identity was checked, e.g. “confirmed with manager by phone”")
      .max(500, "Use at most 500 characters"),
  }),
]);

/** Pressing Enter in the name box adds it, as the Add button does. */
export const notableNameSchema = z.preprocess(
  (v) => (v && typeof v === "object" && !("intent" in v) ? { ...v, intent: "add" } : v),
  z.discriminatedUnion("intent", [
    z.object({
      intent: z.literal("add"),
      name: z.string({ error: "Enter a name of 1 to 120 characters" }).trim().min(1, "Enter a name of 1 to 120 characters").max(200),
    }),
    z.object({ intent: z.literal("remove"), key: z.string().min(1).max(500) }),
  ]),
);

const optionalDate = optional(
  z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), "Use a date and time like 2026-11-28T14:00")
    .refine((v) => {
      const year = new Date(v).getUTCFullYear();
      return year >= 2000 && year <= 9999;
    }, "Use a date between the years 2000 and 9999")
    .transform((v) => new Date(v)),
);

export const BULK_ACTIONS = ["approve", "reject", "release", "hide"] as const;

/** A bulk action: the selection, the action, and (on the second step) the count the moderator saw. */
export const bulkSchema = z.object({
  state: z.enum(["pending", "quarantined", "unconfirmed", "approved"], { error: "Choose which signatures" }),
  emailDomain: optional(z.string().trim().max(253, "Use at most 253 characters")),
  ipHash: optional(
    z
      .string()
      .trim()
      .regex(/^[0-9a-f]{32}$/, "An IP hash is 32 hex characters"),
  ),
  namePattern: optional(z.string().trim().max(120, "Use at most 120 characters")),
  since: optionalDate,
  until: optionalDate,
  action: z.enum(BULK_ACTIONS, { error: "Choose an action" }),
  reason: optional(reason),
  note,
  confirmedCount: optional(z.coerce.number().int().min(0)),
});
export type BulkInput = z.infer<typeof bulkSchema>;

/** The bulk page's prefill from a hint's link (?state=&emailDomain=&ipHash=). */
export const bulkPrefillSchema = z.object({
  state: z.enum(["pending", "quarantined", "unconfirmed", "approved"]).catch("pending"),
  emailDomain: z.string().max(253).catch(""),
  ipHash: z.string().max(64).catch(""),
});
