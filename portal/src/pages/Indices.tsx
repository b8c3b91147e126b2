// Placeholder until the page lands.
export default function Indices() {
  return null;
}
