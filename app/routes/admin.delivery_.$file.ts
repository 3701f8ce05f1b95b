import type { LoaderFunctionArgs } from "@remix-run/node";
import { ADMIN_ROLES } from "~/domain/auth/roles";
import { packPdf } from "~/domain/delivery/packs.server";
import { requireRole } from "~/utils/session.server";

// GET /admin/delivery/<id>.pdf — a ready pack, for admins only, streamed from its stored pieces.
// A pack still being made, or one whose build died half-way, is not served.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, context, ADMIN_ROLES);
  const id = /^([1-9]\d{0,17})\.pdf$/.exec(params.file ?? "")?.[1];
  if (!id) throw new Response("Not found", { status: 404 });
  const pack = await packPdf(context.db, context.letter.letterId, id);
  if (!pack) throw new Response("No such pack, or it is not ready yet", { status: 404 });
  const chunks = pack.chunks();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(pack.byteSize),
      "Content-Disposition": `attachment; filename="delivery-pack-${pack.madeAt.slice(0, 10)}-${id}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Content-SHA256": pack.sha256,
    },
  });
}
