import { z } from "zod";
import "../common/messages";
import { confirmationCodeSchema, emailSchema, idSchema } from "../common/schema";
import { publicFieldsShape } from "../signatures/schema";
import { cleanText, nameProblem } from "../signatures/text";

/** One schema per label form (issue 11), read by conform in the browser and by the action. */

const orgName = (empty: string) =>
  z
    .string({ error: empty })
    .max(1000, "Use at most 120 characters")
    .transform(cleanText)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem === "empty") ctx.addIssue({ code: "custom", message: empty });
      else if (problem === "too_long") ctx.addIssue({ code: "custom", message: "Use at most 120 characters" });
      else if (problem === "invisible") ctx.addIssue({ code: "custom", message: "Remove invisible or control characters" });
      else if (problem === "formula") ctx.addIssue({ code: "custom", message: "A name cannot start with =, +, - or @" });
    });

/**
 * /labels/join: the label, its website, and the rep's name and work address. The fields as the
 * browser can check them; the server's joinSchema (join.server.ts) adds the domain rules, whose
 * lists of mailbox providers stay on the server.
 */
export const joinFieldsSchema = z.object({
  labelName: orgName("Enter the label's name"),
  website: z.string({ error: "Enter the label's website" }).trim().min(1, "Enter the label's website").max(300, "Use a shorter web address"),
  repName: orgName("Enter your name"),
  // Internationalised domains are allowed: the domain rules check the address's form.
  email: z
    .string({ error: "Enter your work email address" })
    .trim()
    .min(1, "Enter your work email address")
    .max(254, "Use an email address of at most 254 characters")
    .refine((v) => /^[^\s@]+@[^\s@]+$/.test(v), "Enter a valid email address, like you@yourlabel.com"),
});

/** The code form of a join, for people who will not click links. */
export const joinCodeSchema = z.object({
  intent: z.enum(["find", "confirm"]).catch("find"),
  email: emailSchema({ missing: "Enter the address you joined with", invalid: "Enter a valid email address" }),
  code: confirmationCodeSchema,
});

const statement = z
  .string()
  .max(2000, "Use at most 280 characters")
  .transform(cleanText)
  .refine((v) => [...v].length <= 280, "Use at most 280 characters")
  .optional();

/** A roster artist added by hand: the public fields an artist's own form has, and an optional address. */
export const rosterEntryShape = {
  displayName: publicFieldsShape.displayName,
  role: publicFieldsShape.role,
  country: publicFieldsShape.country,
  link: publicFieldsShape.link,
  artistEmail: emailSchema({ missing: "Enter the artist's email address", invalid: "Enter a valid email address" }).optional(),
};

/** Everything the rep's dashboard (/label) posts, one schema per intent. */
export const labelActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("sign"),
    /** Its own name: the page's roster form has a `country` too. */
    labelCountry: publicFieldsShape.country,
    statement,
    attest: z.literal("on", { error: "Confirm that you may sign for the label" }),
  }),
  z.object({ intent: z.literal("add"), ...rosterEntryShape }),
  z.object({
    intent: z.enum(["preview", "save"]),
    /** Pasted text; an uploaded file arrives as `file` and is read by the route. */
    csv: z.string().max(2_000_000, "The roster is larger than 1 MB: split it into smaller files").optional(),
  }),
  z.object({ intent: z.literal("remove"), id: idSchema }),
  z.object({ intent: z.literal("check_dns") }),
]);
export type LabelAction = z.output<typeof labelActionSchema>;

/** /admin/labels: rename, merge, remove a rep. */
export const labelAdminSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("rename"), labelId: idSchema, name: orgName("Enter the label's name") }),
  z.object({ intent: z.literal("merge"), labelId: idSchema, intoId: idSchema }),
  z.object({ intent: z.literal("remove_rep"), userId: idSchema }),
]);
export type LabelAdminAction = z.output<typeof labelAdminSchema>;

/** The listed artist's two buttons. */
export const rosterAnswerSchema = z.object({ intent: z.enum(["confirm", "withdraw"], { error: "Choose confirm or withdraw" }) });
