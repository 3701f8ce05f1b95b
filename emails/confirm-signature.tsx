import { Heading, Text } from "react-email";
import { LinkAndCode } from "./_components/code";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  displayName: z.string().min(1),
  letterTitle: z.string().min(1),
  /** The one-time confirmation token; the link is built here from appUrl. */
  token: z.string().min(16),
  /** The 8-character code for people who will not click links. */
  code: z.string().length(8),
  expiresAt: z.string(),
});
export type ConfirmSignatureProps = z.infer<typeof schema>;

export const subject = (p: ConfirmSignatureProps, t: TFunction) => t("confirmSignature.subject", { letterTitle: p.letterTitle });

export default function ConfirmSignature(props: ConfirmSignatureProps) {
  const { t } = useTranslation("emails");
  const link = `${props.appUrl}/confirm/${props.token}`;
  return (
    <EmailLayout preview={t("confirmSignature.preview", { displayName: props.displayName })} appUrl={props.appUrl} reason={t("confirmSignature.reason")}>
      <Heading style={styles.heading}>{t("confirmSignature.heading", { displayName: props.displayName })}</Heading>
      <Text style={styles.text}>{t("confirmSignature.body", { letterTitle: props.letterTitle })}</Text>
      <LinkAndCode href={link} code={props.code} expiresAt={props.expiresAt} />
    </EmailLayout>
  );
}

ConfirmSignature.PreviewProps = {
  appUrl: "http://localhost:3000",
  displayName: "The Weather Station",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
  token: "preview-token-preview-token-0001",
  code: "K7M2Q9XD",
  expiresAt: "2026-12-05T12:00:00.000Z",
} satisfies ConfirmSignatureProps;
