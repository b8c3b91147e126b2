// Placeholder until the page lands.
export default function Identifiers() {
  return null;
}
