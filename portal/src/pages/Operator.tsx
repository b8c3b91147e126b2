// Placeholder until the page lands.
export default function Operator() {
  return null;
}
