import { createContext, useContext, type ReactNode } from "react";

/** The CSP nonce of the current response, handed from entry.server to the <Scripts> in root. */
const NonceContext = createContext<string>("");

export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>;
}

export function useNonce(): string {
  return useContext(NonceContext);
}
