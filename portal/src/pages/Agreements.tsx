// Placeholder until the page lands.
export default function Agreements() {
  return null;
}
