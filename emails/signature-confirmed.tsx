import { Button, Heading, Text } from "react-email";
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

export const subject = (p: SignatureConfirmedProps) => `Your signature is confirmed: ${p.letterTitle}`;

export default function SignatureConfirmed(props: SignatureConfirmedProps) {
  return (
    <EmailLayout
      preview="Moderators will check your name before it is published"
      appUrl={props.appUrl}
      reason="You received this because you confirmed a signature on Countersign."
    >
      <Heading style={styles.heading}>{`Thank you, ${props.displayName}`}</Heading>
      <Text style={styles.text}>
        {`Your signature on “${props.letterTitle}” is confirmed. A moderator checks every name before it appears on the public list; you do not need to do anything else.`}
      </Text>
      <Text style={styles.text}>Keep this email. Its link is yours alone: use it to correct how your name appears, or to withdraw it at any time.</Text>
      <Button href={`${props.appUrl}/manage/${props.manageToken}`} style={styles.button}>
        Manage your signature
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
