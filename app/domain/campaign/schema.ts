import { z } from "zod";
import "../common/messages";
import { idSchema } from "../common/schema";
import { isTimeZone, zonedToInstant } from "../../utils/time";
import { CAMPAIGN_STATES, LINK_PURPOSES } from "./states";

/** The admins' campaign page (docs/decisions/011: one schema per input; the button pressed is the intent). */

const expected = z.enum(CAMPAIGN_STATES, { error: "Reload the page and try again" });

/** A wall-clock time and its zone, read into the instant they name. */
const timed = {
  expected,
  publicAt: z.string({ error: "Choose the date and time" }).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Choose the date and time"),
  zone: z.string({ error: "Choose a time zone" }).refine(isTimeZone, "Choose a time zone from the list"),
};

export const campaignFormSchema = z
  .discriminatedUnion("intent", [
    z.object({ intent: z.literal("prepare"), expected }),
    z.object({ intent: z.literal("launch"), expected }),
    z.object({ intent: z.literal("close"), expected }),
    z.object({ intent: z.literal("reopen"), expected }),
    z.object({ intent: z.literal("recall"), expected }),
    z.object({ intent: z.literal("unschedule"), expected }),
    z.object({ intent: z.literal("embargo"), ...timed }),
    z.object({ intent: z.literal("schedule"), ...timed }),
    z.object({
      intent: z.literal("issue"),
      purpose: z.enum(LINK_PURPOSES, { error: "Choose invitation or preview" }),
      note: z.string({ error: "Say who the link is for" }).trim().min(1, "Say who the link is for").max(120, "Use at most 120 characters"),
      days: z.coerce
        .number({ error: "Enter a number of days" })
        .int("Enter a whole number of days")
        .min(1, "A link works for at least 1 day")
        .max(90, "A link works for at most 90 days"),
    }),
    z.object({ intent: z.literal("revoke"), id: idSchema }),
  ])
  .transform((v, ctx) => {
    if (v.intent !== "embargo" && v.intent !== "schedule") return v;
    const instant = zonedToInstant(v.publicAt, v.zone);
    if (!instant) {
      ctx.addIssue({ code: "custom", path: ["publicAt"], message: "That time does not exist in this time zone (the clocks skip it)" });
      return z.NEVER;
    }
    return { ...v, instant };
  });
export type CampaignFormInput = z.output<typeof campaignFormSchema>;
