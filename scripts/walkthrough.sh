#!/usr/bin/env bash
# The README's walkthrough as one script: a company start-up case from intake to delivery against a
# running `npm start` (same DATA_DIR). Tax and the bank decide in their own (simulated) systems.
#   scripts/walkthrough.sh [BASE_URL]     default http://localhost:${PORT:-3000}
set -euo pipefail
B=${1:-http://localhost:${PORT:-3000}}
DATA_DIR=${DATA_DIR:-./data}
tok() { node -e "console.log(require(require('path').resolve(process.argv[1], 'demo-credentials.json')).find(c => c.user === process.argv[2]).token)" "$DATA_DIR" "$1"; }
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=JSON.parse(s);console.log(process.argv[1].split('.').reduce((o,k)=>o?.[k],v))})" "$1"; }
CLERK=$(tok clerk); SAMR=$(tok samr); HRSS=$(tok hrss); HPF=$(tok hpf); MANAGER=$(tok manager)

echo "1. The clerk uploads the five materials (PDF, PNG or JPEG; the type is read from the bytes)."
scan=$(mktemp --suffix=.pdf); trap 'rm -f "$scan"' EXIT
printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' > "$scan"
materials="{"
for m in articles-of-association representative-id premises-proof shareholder-resolution bank-application; do
  id=$(curl -sf -H "Authorization: Bearer $CLERK" -F "file=@$scan" "$B/api/materials" | json id)
  materials="$materials\"$m\":\"$id\","
done
materials="${materials%,}}"

echo "2. The clerk submits the combined application."
CASE=$(curl -sf -X POST "$B/api/cases" -H "Authorization: Bearer $CLERK" -H 'content-type: application/json' \
  -H "Idempotency-Key: walkthrough-$(date +%s)" -d '{
  "processId": "company-startup",
  "application": {
    "companyName": "杭州云栖示例科技有限公司", "enterpriseType": "limited-liability",
    "registeredCapital": 100, "address": "杭州市西湖区文三路 90 号",
    "businessScope": "软件开发；信息技术咨询服务",
    "legalRepresentative": { "name": "张三", "idNumber": "330106199001011234", "phone": "13800000000" },
    "employeeCount": 5, "seals": ["official", "finance", "invoice"], "invoiceTypes": ["electronic"],
    "bank": { "name": "杭州银行", "branch": "西湖支行" }
  },
  "materials": '"$materials"'
}' | json id)
echo "   case $CASE"

echo "3. Market Supervision approves the registration with the unified social credit code."
curl -sf -X POST "$B/api/cases/$CASE/steps/registration/decision" -H "Authorization: Bearer $SAMR" \
  -H 'content-type: application/json' -d '{
  "outcome": "approve", "opinion": "符合设立登记条件",
  "outputs": { "creditCode": "91330106MA2H3K7Q4X", "companyName": "杭州云栖示例科技有限公司",
               "legalRepresentativeName": "张三", "registeredAddress": "杭州市西湖区文三路 90 号",
               "businessScope": "软件开发；信息技术咨询服务", "registrationDate": "2026-11-28" } }'
echo

echo "4. Social insurance and the housing fund approve in the worklist; Public Security too."
PSB=$(tok psb)
curl -sf -X POST "$B/api/cases/$CASE/steps/seal/decision" -H "Authorization: Bearer $PSB" -H 'content-type: application/json' \
  -d '{"outcome":"approve","opinion":"准予备案","outputs":{"sealFilingNo":"GA-330106-2026-0001"}}' >/dev/null
curl -sf -X POST "$B/api/cases/$CASE/steps/social-insurance/decision" -H "Authorization: Bearer $HRSS" -H 'content-type: application/json' \
  -d '{"outcome":"approve","opinion":"同意","outputs":{"socialInsuranceNo":"SB-330106-0001"}}' >/dev/null
curl -sf -X POST "$B/api/cases/$CASE/steps/housing-fund/decision" -H "Authorization: Bearer $HPF" -H 'content-type: application/json' \
  -d '{"outcome":"approve","opinion":"同意","outputs":{"housingFundAccountNo":"GJJ-0001"}}' >/dev/null

echo "5. Tax and the bank decide in their own systems and call back (a few seconds)."
for _ in $(seq 1 60); do
  status=$(curl -sf "$B/api/cases/$CASE" -H "Authorization: Bearer $MANAGER" | json status)
  [ "$status" != running ] && break
  sleep 1
done
echo "   case status: $status"

echo "6. The clerk hands over every result at once (统一出件)."
curl -sf -X POST "$B/api/cases/$CASE/delivery" -H "Authorization: Bearer $CLERK" -H 'content-type: application/json' \
  -d '{"method":"window","note":"申请人本人领取"}' | json results.creditCode.value
curl -sf "$B/api/cases/$CASE/audit" -H "Authorization: Bearer $MANAGER"; echo
[ "$status" = completed ]
