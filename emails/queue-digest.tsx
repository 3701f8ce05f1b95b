import { Button, Heading, Text } from "react-email";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  pending: z.number().int().min(0),
  oldestHours: z.number().int().min(0),
});
export type QueueDigestProps = z.infer<typeof schema>;

export const subject = (p: QueueDigestProps) => `${p.pending} signatures waiting for moderation (oldest ${p.oldestHours} h)`;

export default function QueueDigest(props: QueueDigestProps) {
  return (
    <EmailLayout
      preview={`${props.pending} names are waiting for a decision`}
      appUrl={props.appUrl}
      reason="You received this because you moderate Countersign."
    >
      <Heading style={styles.heading}>The moderation queue needs you</Heading>
      <Text style={styles.text}>
        {`${props.pending} signatures are pending. The oldest has waited ${props.oldestHours} hours; signers are told a moderator checks names within a day.`}
      </Text>
      <Button href={`${props.appUrl}/admin?state=pending&order=oldest`} style={styles.button}>
        Open the queue
      </Button>
    </EmailLayout>
  );
}

QueueDigest.PreviewProps = { appUrl: "http://localhost:3000", pending: 214, oldestHours: 9 } satisfies QueueDigestProps;
