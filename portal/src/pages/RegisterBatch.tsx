// Placeholder until the page lands.
export default function RegisterBatch() {
  return null;
}
