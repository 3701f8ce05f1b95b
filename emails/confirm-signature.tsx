import { Heading, Text } from "react-email";
import { LinkAndCode } from "./_components/code";
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

export const subject = (p: ConfirmSignatureProps) => `Confirm your signature: ${p.letterTitle}`;

export default function ConfirmSignature(props: ConfirmSignatureProps) {
  const link = `${props.appUrl}/confirm/${props.token}`;
  return (
    <EmailLayout
      preview={`Confirm that ${props.displayName} signs the open letter`}
      appUrl={props.appUrl}
      reason="You received this because this address was used to sign an open letter on Countersign."
    >
      <Heading style={styles.heading}>{`Confirm your signature, ${props.displayName}`}</Heading>
      <Text style={styles.text}>
        {`Thank you for signing “${props.letterTitle}”. Your name is not counted until you confirm it, and moderators check every name before it is shown.`}
      </Text>
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
