"""Messages that must not carry a number the user may not see in clear (docs/API.md "PII masking")."""

ZH_CN = {
    "server.call.customer_bad_number": "客户 {customer} 登记的电话号码无效，无法外呼",
}

EN = {
    "server.call.customer_bad_number": "the phone number on record for customer {customer} is not valid: "
                                       "it cannot be dialled",
}
