// Placeholder until the page lands.
export default function Catalog() {
  return null;
}
