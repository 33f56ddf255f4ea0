import { graphql } from '../../../gql/index.js';

/** Everyone, disabled principals included (admins only). */
export const PEOPLE_QUERY = graphql(`
  query ConsolePeople {
    principals(includeDisabled: true) {
      id
      name
      email
      role
      disabledAt
    }
  }
`);

export const CREATE_PRINCIPAL_MUTATION = graphql(`
  mutation ConsoleCreatePrincipal($name: String!, $email: String!, $role: Role!) {
    createPrincipal(name: $name, email: $email, role: $role) {
      id
      email
    }
  }
`);

export const SET_PRINCIPAL_ROLE_MUTATION = graphql(`
  mutation ConsoleSetPrincipalRole($principal: String!, $role: Role!) {
    setPrincipalRole(principal: $principal, role: $role) {
      id
      role
    }
  }
`);

export const DISABLE_PRINCIPAL_MUTATION = graphql(`
  mutation ConsoleDisablePrincipal($principal: String!, $reason: String!) {
    disablePrincipal(principal: $principal, reason: $reason) {
      id
      disabledAt
    }
  }
`);

export const ENABLE_PRINCIPAL_MUTATION = graphql(`
  mutation ConsoleEnablePrincipal($principal: String!) {
    enablePrincipal(principal: $principal) {
      id
      disabledAt
    }
  }
`);
