import { Button, Heading, Text } from "react-email";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  displayName: z.string().min(1),
  letterTitle: z.string().min(1),
  /** The signer's manage token: edit the public fields or withdraw. */
  manageToken: z.string().min(16),
});
export type SignatureConfirmedProps = z.infer<typeof schema>;

export const subject = (p: SignatureConfirmedProps, t: TFunction) => t("signatureConfirmed.subject", { letterTitle: p.letterTitle });

export default function SignatureConfirmed(props: SignatureConfirmedProps) {
  const { t } = useTranslation("emails");
  return (
    <EmailLayout preview={t("signatureConfirmed.preview")} appUrl={props.appUrl} reason={t("signatureConfirmed.reason")}>
      <Heading style={styles.heading}>{t("signatureConfirmed.heading", { displayName: props.displayName })}</Heading>
      <Text style={styles.text}>{t("signatureConfirmed.body", { letterTitle: props.letterTitle })}</Text>
      <Text style={styles.text}>{t("signatureConfirmed.keep")}</Text>
      <Button href={`${props.appUrl}/manage/${props.manageToken}`} style={styles.button}>
        {t("signatureConfirmed.button")}
      </Button>
    </EmailLayout>
  );
}

SignatureConfirmed.PreviewProps = {
  appUrl: "http://localhost:3000",
  displayName: "The Weather Station",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
  manageToken: "preview-manage-token-000000001",
} satisfies SignatureConfirmedProps;
