import { z } from "zod";
import "../common/messages";
import { confirmationCodeSchema, emailSchema } from "../common/schema";
import { COUNTRY_CODES } from "./countries";
import { ROLES } from "./states";
import { cleanText, hasInvisibleCharacters, nameProblem, type NameProblem } from "./text";

/** One schema per form, used by conform in the browser and by the action on the server. */

const nameMessages: Record<NameProblem, string> = {
  empty: "name.empty",
  too_long: "name.tooLong",
  url: "name.url",
  invisible: "name.invisible",
  formula: "name.formula",
};

const publicName = (messages: Record<NameProblem, string>) =>
  z
    .string({ error: messages.empty })
    .max(1000, messages.too_long)
    .transform(cleanText)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: messages[problem] });
    });

const optionalText = (max: number, tooLong: string, allowNewlines: boolean) =>
  z
    .string()
    .max(max * 4, tooLong)
    .transform(cleanText)
    .superRefine((value, ctx) => {
      if ([...value].length > max) ctx.addIssue({ code: "custom", message: tooLong });
      if (hasInvisibleCharacters(value, allowNewlines)) ctx.addIssue({ code: "custom", message: "name.invisible" });
    })
    .optional();

export const publicFieldsShape = {
  displayName: publicName(nameMessages),
  role: z.enum(ROLES, { error: "role.missing" }),
  country: z.string({ error: "country.missing" }).refine((v) => COUNTRY_CODES.has(v), "country.invalid"),
  link: z
    .string()
    .trim()
    .max(500, "link.tooLong")
    .refine((v) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v) && URL.canParse(v), "link.invalid")
    .optional(),
  comment: optionalText(280, "comment.tooLong", true),
};

/**
 * How the signature is listed: by name (the box "Show this name publicly" ticked), or counted
 * without the name being shown anywhere public (decision 016). One of the two must be chosen.
 */
const listingShape = (message: string) => ({
  consent: z.boolean({ error: message }).optional(),
  unnamed: z.boolean({ error: "listing.unnamed" }).optional(),
});

const SIGN_LISTING = "listing.sign";
const MANAGE_LISTING = "listing.manage";

/** The listing rule, checked even when other fields fail, so its message shows beside theirs. */
function consentOrUnnamed(message: string) {
  return z.refine<{ consent?: boolean | undefined; unnamed?: boolean | undefined }>((v) => v.consent === true || v.unnamed === true, {
    message,
    path: ["consent"],
    when: (payload) => {
      const value = payload.value as { consent?: unknown; unnamed?: unknown } | undefined;
      return typeof value === "object" && value !== null && !payload.issues.some((i) => i.path?.[0] === "consent" || i.path?.[0] === "unnamed");
    },
  });
}

export const signFormSchema = z
  .object({
    ...publicFieldsShape,
    privateName: z
      .string()
      .max(1000, "name.tooLong")
      .transform(cleanText)
      .superRefine((value, ctx) => {
        const problem = nameProblem(value);
        if (problem && problem !== "empty") ctx.addIssue({ code: "custom", message: nameMessages[problem] });
      })
      .optional(),
    email: emailSchema({ missing: "email.missing", invalid: "email.invalidExample" }),
    attest: z.boolean({ error: "attest.required" }).refine((v) => v, {
      message: "attest.required",
    }),
    ...listingShape(SIGN_LISTING),
    /** Honeypot: hidden from people; a bot that fills it is answered as usual and nothing is stored. */
    website: z.string().max(500).optional(),
  })
  .check(consentOrUnnamed(SIGN_LISTING));
export type SignFormInput = z.output<typeof signFormSchema>;

/** The manage page edits the public fields and whether the name is shown. */
export const manageFormSchema = z.object({ ...publicFieldsShape, ...listingShape(MANAGE_LISTING) }).check(consentOrUnnamed(MANAGE_LISTING));
export type ManageFormInput = z.output<typeof manageFormSchema>;

/** The manage page's two forms: save the details, or withdraw (with the box ticked). */
export const manageActionSchema = z.discriminatedUnion("intent", [
  manageFormSchema.extend({ intent: z.literal("update") }),
  z.object({
    intent: z.literal("withdraw"),
    confirmWithdraw: z.literal("on", { error: "withdraw.confirm" }),
  }),
]);

/** The code form for people who will not click links. */
export const confirmCodeSchema = z.object({
  /** First `find` (shows the signature, changes nothing), then `confirm`. */
  intent: z.enum(["find", "confirm"]).catch("find"),
  email: emailSchema({ missing: "email.missingSigned", invalid: "email.invalid" }),
  code: confirmationCodeSchema,
});
