import { Button, Heading, Text } from "react-email";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  artistName: z.string().min(1),
  labelName: z.string().min(1),
  letterTitle: z.string().min(1),
});
export type RosterWithdrawnProps = z.infer<typeof schema>;

export const subject = (p: RosterWithdrawnProps) => `${p.artistName} withdrew from your roster listing`;

export default function RosterWithdrawn(props: RosterWithdrawnProps) {
  return (
    <EmailLayout
      preview={`${props.artistName} is no longer listed by ${props.labelName}`}
      appUrl={props.appUrl}
      reason={`You received this because you represent ${props.labelName} on Countersign.`}
    >
      <Heading style={styles.heading}>{`${props.artistName} withdrew`}</Heading>
      <Text style={styles.text}>
        {`The artist you listed as “${props.artistName}” on “${props.letterTitle}” withdrew the entry from the email we sent them. It is off every public list and cannot be listed again by your label without the artist.`}
      </Text>
      <Button href={`${props.appUrl}/label`} style={styles.button}>
        Open your label’s page
      </Button>
    </EmailLayout>
  );
}

RosterWithdrawn.PreviewProps = {
  appUrl: "http://localhost:3000",
  artistName: "The Weather Station",
  labelName: "Fat Possum Records",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
} satisfies RosterWithdrawnProps;
