"""What the demo workspace holds besides contacts: templates for every channel, segments."""

EMAIL_STYLE = ("font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
               "color:#1f2937;max-width:560px;margin:0 auto;padding:24px")
BUTTON = ("display:inline-block;background:#4f46e5;color:#fff;padding:12px 20px;"
          "border-radius:8px;text-decoration:none;font-weight:600")


def _email(heading: str, body: str, cta: str, url: str) -> str:
    return (f'<div style="{EMAIL_STYLE}"><p style="color:#4f46e5;font-weight:700">Acme Store</p>'
            f'<h1 style="font-size:22px">{heading}</h1><p>{body}</p>'
            f'<p><a href="{url}" style="{BUTTON}">{cta}</a></p>'
            '<p style="color:#6b7280;font-size:12px">Acme Store · 1 Market St · '
            'San Francisco</p></div>')


ORDER_SHIPPED = {
    "en": {
        "push": {"title": "Your order is on its way 📦",
                 "body": "Order #{{ order }} shipped and arrives {{ eta | default('soon') }}.",
                 "deep_link": "acme://orders/{{ order }}"},
        "sms": {"text": "Acme: order #{{ order }} shipped. Track it: "
                        "https://acme.example.com/t/{{ order }}"},
        "email": {"subject": "Order #{{ order }} has shipped",
                  "preheader": "Track your parcel",
                  "html": _email("Good news, {{ contact.attributes.first_name }}!",
                                 "Order #{{ order }} left our warehouse and arrives "
                                 "{{ eta | default('soon') }}.", "Track my parcel",
                                 "https://acme.example.com/t/{{ order }}")},
    },
    "fr": {
        "push": {"title": "Votre commande est en route 📦",
                 "body": "La commande n° {{ order }} a été expédiée."},
        "sms": {"text": "Acme : commande n° {{ order }} expédiée. "
                        "Suivi : https://acme.example.com/t/{{ order }}"},
    },
    "de": {"push": {"title": "Deine Bestellung ist unterwegs 📦",
                    "body": "Bestellung Nr. {{ order }} wurde versandt."}},
}
PASSWORD_RESET = {
    "en": {
        "push": {"title": "Password reset requested",
                 "body": "Was this you? Your code is {{ code }}."},
        "sms": {"text": "Your Acme code is {{ code }}. It expires in 10 minutes. "
                        "Didn't ask for it? Ignore this message."},
        "email": {"subject": "Reset your Acme password",
                  "html": _email("Reset your password",
                                 "Someone (hopefully you) asked to reset the password of "
                                 "{{ contact.email }}. The link works for 30 minutes.",
                                 "Choose a new password",
                                 "https://acme.example.com/reset/{{ code }}")},
    },
}
WEEKLY_DIGEST = {
    "en": {
        "push": {"title": "Your week at Acme", "body": "{{ count | default(3) }} new "
                 "arrivals picked for you."},
        "email": {"subject": "Your weekly digest: {{ count | default(3) }} picks for you",
                  "preheader": "New arrivals, back in stock, and a little something",
                  "html": _email("This week's picks",
                                 "New arrivals in {{ contact.attributes.city | "
                                 "default('your city') }}, items back in stock and the "
                                 "reviews you asked for.", "See this week's picks",
                                 "https://acme.example.com/digest")},
    },
}


def promotion(headline: str, offer: str) -> dict:
    """One variant of the spring promotion (each variant is a published version)."""
    return {"en": {
        "push": {"title": headline, "body": offer},
        "sms": {"text": f"Acme: {offer} https://acme.example.com/spring Reply STOP to opt out"},
        "email": {"subject": headline, "preheader": offer,
                  "html": _email(headline, offer, "Shop the sale",
                                 "https://acme.example.com/spring")},
    }}


PROMOTION_A = promotion("Spring sale: 20% off everything 🌷", "Use code SPRING20 until Sunday.")
PROMOTION_B = promotion("{{ contact.attributes.first_name }}, your spring gift is here",
                        "Take 20% off with code SPRING20, this week only.")

# key: (name, category, description, versions published in order)
TEMPLATES = {
    "order-shipped": ("Order shipped", "transactional",
                      "Sent by the shop when a parcel leaves the warehouse.", [ORDER_SHIPPED]),
    "password-reset": ("Password reset", "security",
                       "A reset code; critical, so it bypasses opt-outs.", [PASSWORD_RESET]),
    "weekly-digest": ("Weekly digest", "product", "Monday's picks, by email and push.",
                      [WEEKLY_DIGEST]),
    "spring-promotion": ("Spring promotion", "marketing",
                         "Two versions, tested against each other.",
                         [PROMOTION_A, PROMOTION_B]),
}

SEGMENTS = {
    "Demo: VIP customers": ("Tagged vip, or on the team plan", {"match": "any", "rules": [
        {"type": "tag", "op": "has", "value": "vip"},
        {"type": "attribute", "key": "plan", "op": "equals", "value": "team"}]}),
    "Demo: Newsletter readers": ("Everyone who subscribed to the newsletter", {
        "match": "all", "rules": [{"type": "tag", "op": "has", "value": "newsletter"}]}),
    "Demo: Everyone": ("Every demo contact", {"match": "all", "rules": [
        {"type": "attribute", "key": "plan", "op": "exists"}]}),
    "Demo: iPhone owners in Europe": ("Reachable on iOS, time zone in Europe", {
        "match": "all", "rules": [
            {"type": "channel", "op": "reachable", "value": "ios"},
            {"type": "timezone", "op": "region", "value": "Europe"}]}),
}
