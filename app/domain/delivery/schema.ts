import { z } from "zod";
import { idSchema } from "../common/schema";
import "../common/messages";

// What /press shows of a delivery: a person's words, never an address or a link with a token.
const publicText = (what: string) =>
  z
    .string({ error: `Say ${what}` })
    .trim()
    .min(1, `Say ${what}`)
    .max(200, "Keep it to at most 200 characters")
    .refine((v) => !/[\p{Cc}\p{Cf}]/u.test(v), "Remove the invisible or control characters")
    .refine((v) => !/\S+@\S+\.\S+/.test(v), "This is shown on /press: name the person, team or service, not an email address")
    .refine((v) => !/https?:\/\/|www\./i.test(v), "This is shown on /press: leave out web addresses");

/** The admin's delivery page: make a pack, or record that one was delivered. */
export const deliveryFormSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("generate") }),
    z.object({
      intent: z.literal("record"),
      packId: idSchema,
      deliveredOn: z
        .string({ error: "Give the date it was delivered" })
        .regex(/^\d{4}-\d{2}-\d{2}$/, "Give the date as YYYY-MM-DD")
        .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That date does not exist")
        .refine((v) => v <= new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), "A delivery cannot be recorded for a date still to come"),
      recipient: publicText("to whom it was delivered"),
      method: publicText("how it was delivered"),
    }),
  ],
  { error: "Choose what to do" },
);
export type DeliveryForm = z.infer<typeof deliveryFormSchema>;
