import { Heading, Text } from "react-email";
import { LinkAndCode } from "./_components/code";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  repName: z.string().min(1),
  labelName: z.string().min(1),
  domain: z.string().min(1),
  /** The one-time join token; the link is built here from appUrl. */
  token: z.string().min(16),
  /** The 8-character code for people who will not click links. */
  code: z.string().length(8),
  expiresAt: z.string(),
});
export type LabelJoinProps = z.infer<typeof schema>;

export const subject = (p: LabelJoinProps) => `Confirm your address to represent ${p.labelName}`;

export default function LabelJoin(props: LabelJoinProps) {
  return (
    <EmailLayout
      preview={`Confirm that this address at ${props.domain} is yours`}
      appUrl={props.appUrl}
      reason={`You received this because this address was given to represent ${props.labelName} on Countersign.`}
    >
      <Heading style={styles.heading}>{`Confirm your address, ${props.repName}`}</Heading>
      <Text style={styles.text}>
        {`Opening this link and pressing confirm proves that you control an address at ${props.domain}: ${props.labelName} is then shown as “label domain confirmed”, and you get a sign-in to sign for the label and list artists who asked to be included.`}
      </Text>
      <LinkAndCode href={`${props.appUrl}/labels/confirm/${props.token}`} code={props.code} expiresAt={props.expiresAt} />
    </EmailLayout>
  );
}

LabelJoin.PreviewProps = {
  appUrl: "http://localhost:3000",
  repName: "Jordan Reyes",
  labelName: "Fat Possum Records",
  domain: "fatpossum.com",
  token: "preview-join-token-000000000001",
  code: "K7M2Q9XD",
  expiresAt: "2026-12-05T12:00:00.000Z",
} satisfies LabelJoinProps;
