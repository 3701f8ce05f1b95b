import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from "react-email";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** Every Countersign email: one column, system fonts, a footer that says why it was sent. */
export function EmailLayout({
  preview,
  appUrl,
  reason,
  children,
}: {
  preview: string;
  appUrl: string;
  /** One sentence: why this person received this email. */
  reason: string;
  children: ReactNode;
}) {
  // The signer's recorded language, handed in by renderEmail (outbox rows keep it).
  const { t, i18n } = useTranslation("emails");
  return (
    <Html lang={i18n.language}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Text style={brand}>Countersign</Text>
          <Section>{children}</Section>
          <Hr style={hr} />
          <Text style={footer}>{`${reason} ${t("layout.ignore")}`}</Text>
          <Text style={footer}>
            <Link href={appUrl} style={footerLink}>
              {appUrl.replace(/^https?:\/\//, "")}
            </Link>
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const styles = {
  heading: { fontSize: "22px", lineHeight: "28px", fontWeight: 700, margin: "0 0 16px" },
  text: { fontSize: "16px", lineHeight: "24px", margin: "0 0 16px" },
  button: {
    backgroundColor: "#151515",
    color: "#ffffff",
    borderRadius: "6px",
    padding: "12px 20px",
    fontSize: "16px",
    fontWeight: 600,
    textDecoration: "none",
    display: "inline-block",
  },
  code: {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    fontSize: "24px",
    letterSpacing: "4px",
    fontWeight: 700,
    margin: "8px 0 16px",
  },
} as const;

const body = {
  backgroundColor: "#fbfaf7",
  color: "#151515",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  margin: 0,
  padding: "24px 0",
};
const container = { maxWidth: "560px", margin: "0 auto", padding: "24px", backgroundColor: "#ffffff", borderRadius: "8px" };
const brand = { fontSize: "14px", fontWeight: 700, letterSpacing: "0.04em", textTransform: "uppercase" as const, margin: "0 0 24px" };
const hr = { borderColor: "#e4e1d8", margin: "24px 0 16px" };
const footer = { fontSize: "13px", lineHeight: "20px", color: "#5b5b5b", margin: "0 0 8px" };
const footerLink = { color: "#5b5b5b" };
