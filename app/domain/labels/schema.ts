import { z } from "zod";
import "../common/messages";
import { confirmationCodeSchema, emailSchema, idSchema } from "../common/schema";
import { publicFieldsShape } from "../signatures/schema";
import { cleanText, nameProblem } from "../signatures/text";

/** One schema per label form (issue 11), read by conform in the browser and by the action. */

const orgName = (empty: string) =>
  z
    .string({ error: empty })
    .max(1000, "name.tooLong")
    .transform(cleanText)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem === "empty") ctx.addIssue({ code: "custom", message: empty });
      else if (problem === "too_long") ctx.addIssue({ code: "custom", message: "name.tooLong" });
      else if (problem === "invisible") ctx.addIssue({ code: "custom", message: "name.invisible" });
      else if (problem === "formula") ctx.addIssue({ code: "custom", message: "name.formula" });
    });

/**
 * /labels/join: the label, its website, and the rep's name and work address. The fields as the
 * browser can check them; the server's joinSchema (join.server.ts) adds the domain rules, whose
 * lists of mailbox providers stay on the server.
 */
export const joinFieldsSchema = z.object({
  labelName: orgName("label.nameMissing"),
  website: z.string({ error: "label.websiteMissing" }).trim().min(1, "label.websiteMissing").max(300, "label.websiteTooLong"),
  repName: orgName("label.repNameMissing"),
  // Internationalised domains are allowed: the domain rules check the address's form.
  email: z
    .string({ error: "label.emailMissing" })
    .trim()
    .min(1, "label.emailMissing")
    .max(254, "email.tooLong")
    .refine((v) => /^[^\s@]+@[^\s@]+$/.test(v), "label.emailInvalid"),
});

/** The code form of a join, for people who will not click links. */
export const joinCodeSchema = z.object({
  intent: z.enum(["find", "confirm"]).catch("find"),
  email: emailSchema({ missing: "label.joinEmailMissing", invalid: "email.invalid" }),
  code: confirmationCodeSchema,
});

const statement = z
  .string()
  .max(2000, "comment.tooLong")
  .transform(cleanText)
  .refine((v) => [...v].length <= 280, "comment.tooLong")
  .optional();

/** A roster artist added by hand: the public fields an artist's own form has, and an optional address. */
export const rosterEntryShape = {
  displayName: publicFieldsShape.displayName,
  role: publicFieldsShape.role,
  country: publicFieldsShape.country,
  link: publicFieldsShape.link,
  artistEmail: emailSchema({ missing: "label.artistEmailMissing", invalid: "email.invalid" }).optional(),
};

/** Everything the rep's dashboard (/label) posts, one schema per intent. */
export const labelActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("sign"),
    /** Its own name: the page's roster form has a `country` too. */
    labelCountry: publicFieldsShape.country,
    statement,
    attest: z.literal("on", { error: "label.attest" }),
  }),
  z.object({ intent: z.literal("add"), ...rosterEntryShape }),
  z.object({
    intent: z.enum(["preview", "save"]),
    /** Pasted text; an uploaded file arrives as `file` and is read by the route. */
    csv: z.string().max(2_000_000, "label.csvTooLarge").optional(),
  }),
  z.object({ intent: z.literal("remove"), id: idSchema }),
  z.object({ intent: z.literal("check_dns") }),
]);
export type LabelAction = z.output<typeof labelActionSchema>;

/** /admin/labels: rename, merge, remove a rep. */
export const labelAdminSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("rename"), labelId: idSchema, name: orgName("label.nameMissing") }),
  z.object({ intent: z.literal("merge"), labelId: idSchema, intoId: idSchema }),
  z.object({ intent: z.literal("remove_rep"), userId: idSchema }),
]);
export type LabelAdminAction = z.output<typeof labelAdminSchema>;

/** The listed artist's two buttons. */
export const rosterAnswerSchema = z.object({ intent: z.enum(["confirm", "withdraw"], { error: "label.rosterAnswer" }) });
