import type { TFunction } from "i18next";
import type { ComponentType } from "react";
import type { z } from "zod";
import ConfirmSignature, * as confirmSignature from "./confirm-signature";
import LabelJoin, * as labelJoin from "./label-join";
import QueueDigest, * as queueDigest from "./queue-digest";
import RosterNotice, * as rosterNotice from "./roster-notice";
import RosterWithdrawn, * as rosterWithdrawn from "./roster-withdrawn";
import SignIn, * as signIn from "./sign-in";
import SignatureConfirmed, * as signatureConfirmed from "./signature-confirmed";
import SignedAgain, * as signedAgain from "./signed-again";

interface TemplateModule<S extends z.ZodType> {
  schema: S;
  /** In the email's language (the staff's emails, which stay English, ignore `t`). */
  subject: (props: z.infer<S>, t: TFunction) => string;
  Component: ComponentType<z.infer<S>> & { PreviewProps: z.infer<S> };
}

function template<S extends z.ZodType>(
  mod: { schema: S; subject: (props: z.infer<S>, t: TFunction) => string },
  Component: ComponentType<z.infer<S>> & { PreviewProps: z.infer<S> },
): TemplateModule<S> {
  return { schema: mod.schema, subject: mod.subject, Component };
}

/** Every email Countersign sends, by the name the outbox stores. */
export const templates = {
  "confirm-signature": template(confirmSignature, ConfirmSignature),
  "label-join": template(labelJoin, LabelJoin),
  "queue-digest": template(queueDigest, QueueDigest),
  "roster-notice": template(rosterNotice, RosterNotice),
  "roster-withdrawn": template(rosterWithdrawn, RosterWithdrawn),
  "sign-in": template(signIn, SignIn),
  "signature-confirmed": template(signatureConfirmed, SignatureConfirmed),
  "signed-again": template(signedAgain, SignedAgain),
};

export type TemplateName = keyof typeof templates;
/** What a caller passes to enqueue: every prop but appUrl, which the worker adds from APP_URL. */
export type TemplateProps<T extends TemplateName> = Omit<z.infer<(typeof templates)[T]["schema"]>, "appUrl">;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templates, name);
}
