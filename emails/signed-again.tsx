import { Button, Heading, Text } from "react-email";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  letterTitle: z.string().min(1),
  /** The signer's manage token, when their signature is confirmed; otherwise no link is shown. */
  manageToken: z.string().min(16).nullable(),
});
export type SignedAgainProps = z.infer<typeof schema>;

export const subject = (p: SignedAgainProps, t: TFunction) => t("signedAgain.subject", { letterTitle: p.letterTitle });

/** Sent to the owner of an address that was used again, instead of telling the visitor it had signed. */
export default function SignedAgain(props: SignedAgainProps) {
  const { t } = useTranslation("emails");
  return (
    <EmailLayout preview={t("signedAgain.preview")} appUrl={props.appUrl} reason={t("signedAgain.reason")}>
      <Heading style={styles.heading}>{t("signedAgain.heading")}</Heading>
      <Text style={styles.text}>{t("signedAgain.body", { letterTitle: props.letterTitle })}</Text>
      {props.manageToken ? (
        <>
          <Text style={styles.text}>{t("signedAgain.manage")}</Text>
          <Button href={`${props.appUrl}/manage/${props.manageToken}`} style={styles.button}>
            {t("signedAgain.button")}
          </Button>
        </>
      ) : (
        <Text style={styles.text}>{t("signedAgain.noLink")}</Text>
      )}
    </EmailLayout>
  );
}

SignedAgain.PreviewProps = {
  appUrl: "http://localhost:3000",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
  manageToken: "preview-manage-token-000000001",
} satisfies SignedAgainProps;
