import { z } from "zod";
import "../common/messages";
import { confirmationCodeSchema, emailSchema } from "../common/schema";
import { COUNTRY_CODES } from "./countries";
import { ROLES } from "./states";
import { cleanText, hasInvisibleCharacters, nameProblem, type NameProblem } from "./text";

/** One schema per form, used by conform in the browser and by the action on the server. */

const nameMessages: Record<NameProblem, string> = {
  empty: "Enter the name to show on the letter",
  too_long: "Use at most 120 characters",
  url: "A name cannot contain a web address",
  invisible: "Remove invisible or control characters",
  formula: "A name cannot start with =, +, - or @",
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
      if (hasInvisibleCharacters(value, allowNewlines)) ctx.addIssue({ code: "custom", message: "Remove invisible or control characters" });
    })
    .optional();

export const publicFieldsShape = {
  displayName: publicName(nameMessages),
  role: z.enum(ROLES, { error: "Choose your role" }),
  country: z.string({ error: "Choose your country" }).refine((v) => COUNTRY_CODES.has(v), "Choose your country from the list"),
  link: z
    .string()
    .trim()
    .max(500, "Use a shorter web address (at most 500 characters)")
    .refine((v) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v) && URL.canParse(v), "Enter a full web address starting with https://")
    .optional(),
  comment: optionalText(280, "Use at most 280 characters", true),
};

/**
 * How the signature is listed: by name (the box "Show this name publicly" ticked), or counted
 * without the name being shown anywhere public (decision 016). One of the two must be chosen.
 */
const listingShape = (message: string) => ({
  consent: z.boolean({ error: message }).optional(),
  unnamed: z.boolean({ error: "Tick the box, or leave it unticked" }).optional(),
});

const SIGN_LISTING = "Tick “Show this name publicly”, or choose to be counted without your name being shown";
const MANAGE_LISTING = "Tick “Show this name publicly”, choose to be counted without your name, or withdraw instead";

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
      .max(1000, "Use at most 120 characters")
      .transform(cleanText)
      .superRefine((value, ctx) => {
        const problem = nameProblem(value);
        if (problem && problem !== "empty") ctx.addIssue({ code: "custom", message: nameMessages[problem] });
      })
      .optional(),
    email: emailSchema({ missing: "Enter your email address", invalid: "Enter a valid email address, like name@example.org" }),
    attest: z.boolean({ error: "Confirm that you are this artist or authorised to sign for them" }).refine((v) => v, {
      message: "Confirm that you are this artist or authorised to sign for them",
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
    confirmWithdraw: z.literal("on", { error: "Tick the box to confirm that you want to withdraw." }),
  }),
]);

/** The code form for people who will not click links. */
export const confirmCodeSchema = z.object({
  /** First `find` (shows the signature, changes nothing), then `confirm`. */
  intent: z.enum(["find", "confirm"]).catch("find"),
  email: emailSchema({ missing: "Enter the email address you signed with", invalid: "Enter a valid email address" }),
  code: confirmationCodeSchema,
});
