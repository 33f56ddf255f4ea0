export const ME_QUERY = /* GraphQL */ `
  query ConsoleMe {
    me {
      name
      role
    }
  }
`;

export interface MeQueryData {
  readonly me: { readonly name: string; readonly role: string };
}
