import { Button, Heading, Text } from "react-email";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  artistName: z.string().min(1),
  labelName: z.string().min(1),
  labelDomain: z.string().min(1),
  letterTitle: z.string().min(1),
  /** The artist's token for this entry: confirm it or withdraw it. */
  token: z.string().min(16),
  /** The one reminder, 7 days after the first notice. */
  reminder: z.boolean(),
});
export type RosterNoticeProps = z.infer<typeof schema>;

export const subject = (p: RosterNoticeProps, t: TFunction) =>
  t(p.reminder ? "rosterNotice.subjectReminder" : "rosterNotice.subject", { labelName: p.labelName, letterTitle: p.letterTitle });

export default function RosterNotice(props: RosterNoticeProps) {
  const { t } = useTranslation("emails");
  const link = `${props.appUrl}/roster/${props.token}`;
  return (
    <EmailLayout
      preview={t("rosterNotice.preview", { labelName: props.labelName })}
      appUrl={props.appUrl}
      reason={t("rosterNotice.reason", { labelName: props.labelName, labelDomain: props.labelDomain })}
    >
      <Heading style={styles.heading}>{t("rosterNotice.heading", { labelName: props.labelName, artistName: props.artistName })}</Heading>
      <Text style={styles.text}>{t("rosterNotice.body", { ...props })}</Text>
      <Text style={styles.text}>{t("rosterNotice.choice")}</Text>
      <Button href={link} style={styles.button}>
        {t("rosterNotice.button")}
      </Button>
      {props.reminder ? <Text style={styles.text}>{t("rosterNotice.onlyReminder")}</Text> : null}
    </EmailLayout>
  );
}

RosterNotice.PreviewProps = {
  appUrl: "http://localhost:3000",
  artistName: "The Weather Station",
  labelName: "Fat Possum Records",
  labelDomain: "fatpossum.com",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
  token: "preview-roster-token-000000001",
  reminder: false,
} satisfies RosterNoticeProps;
