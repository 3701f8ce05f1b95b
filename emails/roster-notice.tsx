import { Button, Heading, Text } from "react-email";
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

export const subject = (p: RosterNoticeProps) =>
  p.reminder ? `Reminder: ${p.labelName} listed you on an open letter` : `${p.labelName} listed you on an open letter: ${p.letterTitle}`;

export default function RosterNotice(props: RosterNoticeProps) {
  const link = `${props.appUrl}/roster/${props.token}`;
  return (
    <EmailLayout
      preview={`${props.labelName} says you asked to be included. Confirm or withdraw.`}
      appUrl={props.appUrl}
      reason={`You received this because ${props.labelName} (${props.labelDomain}) gave this address for an artist on its roster.`}
    >
      <Heading style={styles.heading}>{`${props.labelName} listed ${props.artistName}`}</Heading>
      <Text style={styles.text}>
        {`${props.labelName}, whose domain ${props.labelDomain} was confirmed, listed “${props.artistName}” as signing “${props.letterTitle}”, saying you asked to be included. A moderator checks every name before it is shown.`}
      </Text>
      <Text style={styles.text}>
        If this is right, confirm it: the entry then says it was confirmed by the artist. If you did not ask for this, withdraw it: the entry is taken off every
        public list and the label is told.
      </Text>
      <Button href={link} style={styles.button}>
        Confirm or withdraw
      </Button>
      {props.reminder ? <Text style={styles.text}>This is the only reminder we send.</Text> : null}
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
