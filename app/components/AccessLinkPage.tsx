import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** What an invitation or preview link opens to: a button, so that a link scanner following it gets nothing (decision 017). */
export function AccessLinkPage({ purpose }: { purpose: "invitation" | "preview" }) {
  const { t } = useTranslation("common");
  return (
    <section className="page">
      <h1>{t(`accessLink.${purpose}.title`)}</h1>
      <p>{t(`accessLink.${purpose}.body`)}</p>
      <Form method="post" reloadDocument>
        <button type="submit" className="button">
          {t(`accessLink.${purpose}.button`)}
        </button>
      </Form>
    </section>
  );
}
