// Placeholder until the page lands.
export default function AgreementDetail() {
  return null;
}
