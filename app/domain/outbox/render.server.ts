import { render, toPlainText } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import { I18nextProvider } from "react-i18next";
import { isTemplateName, templates } from "../../../emails/index";
import { DEFAULT_LANGUAGE } from "../../i18n";
import { i18nFor } from "../../i18n.server";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

/**
 * Renders a queued email in `language` (the outbox row's: the signer's, recorded when it was queued,
 * never the worker's or a request's). Links inside come from `appUrl` (APP_URL), handed in here as a
 * prop and never read from the environment by a template.
 */
export async function renderEmail(template: string, props: unknown, appUrl: string, language: string = DEFAULT_LANGUAGE): Promise<RenderedEmail> {
  if (!isTemplateName(template)) throw new TemplateError(`unknown template ${template}`);
  const { schema, subject, Component } = templates[template];
  const parsed = schema.safeParse({ ...(props as object), appUrl });
  if (!parsed.success) throw new TemplateError(`bad props for ${template}: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  // The registry pairs each schema with its component; TypeScript cannot follow that through the union.
  const i18n = i18nFor(language);
  const html = await render(createElement(I18nextProvider, { i18n }, createElement(Component as ComponentType<object>, parsed.data as object)));
  const t = i18n.getFixedT(i18n.language, "emails");
  return { subject: (subject as (p: unknown, tr: typeof t) => string)(parsed.data, t), html, text: toPlainText(html) };
}

/** The links in an email's HTML, for the dev mailbox. */
export function linksIn(html: string): string[] {
  return [...new Set([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&")))];
}
