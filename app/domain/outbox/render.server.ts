import { render, toPlainText } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import { isTemplateName, templates } from "../../../emails/index";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

/**
 * Renders a queued email. Links inside come from `appUrl` (APP_URL), handed in here as a prop and
 * never read from the environment by a template.
 */
export async function renderEmail(template: string, props: unknown, appUrl: string): Promise<RenderedEmail> {
  if (!isTemplateName(template)) throw new TemplateError(`unknown template ${template}`);
  const { schema, subject, Component } = templates[template];
  const parsed = schema.safeParse({ ...(props as object), appUrl });
  if (!parsed.success) throw new TemplateError(`bad props for ${template}: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`);
  // The registry pairs each schema with its component; TypeScript cannot follow that through the union.
  const html = await render(createElement(Component as ComponentType<object>, parsed.data as object));
  return { subject: (subject as (p: unknown) => string)(parsed.data), html, text: toPlainText(html) };
}

/** The links in an email's HTML, for the dev mailbox. */
export function linksIn(html: string): string[] {
  return [...new Set([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&")))];
}
