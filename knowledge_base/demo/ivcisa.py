# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""IVCISA Support Center: a cloud, data and AI provider in Bogotá (plans Essentials,
Business, Enterprise; P1 incidents covered 24/7/365).

Its customers read Spanish first: the categories are named in Spanish and every English
article has its Spanish version (``ivcisa_es``), linked as its translation.
"""

from .ivcisa_es import ARTICLES_ES
from .ivcisa_follow_up import FOLLOW_UP_ARTICLES
from .priorities import priority_table

CATEGORIES = [
    # slug, name, description, parent slug
    ("getting-started", "Primeros pasos", "Cómo funciona el centro de soporte y cómo comunicarse con nosotros.", None),
    ("tickets", "Tickets y prioridades", "Cómo abrir, clasificar y seguir sus tickets.", None),
    ("request-types", "Tipos de solicitud", "Qué tipo elegir para cada clase de solicitud.", "tickets"),
    ("account", "Su cuenta y su seguridad", "Contraseñas, verificación en dos pasos y accesos.", None),
    ("plans", "Planes y niveles de servicio", "Planes de soporte, tiempos de respuesta y cobertura.", None),
    ("engineering", "Para ingenieros", "Procedimientos internos del equipo de soporte de IVCISA.", None),
]  # fmt: skip

ARTICLES = (
    [
        {
            "slug": "how-to-request-support",
            "title": "How to request support in three steps",
            "summary": "Sign in, open a ticket with the + button, and fill in the title, details and type.",
            "category": "getting-started",
            "tags": ["getting started", "tickets"],
            "visibility": "public",
            "views": 412,
            "related": ["information-to-gather", "request-types-guide", "follow-your-ticket"],
            "body": """
Most questions are answered faster by the knowledge base than by a ticket, so search it
first. When you do need an engineer, the whole request takes three steps.

## 1. Sign in to the portal

Sign in with the email address and password of your corporate account. If you cannot
remember your password, use **Forgot your password?** on the sign-in page
(see [Resetting your password](/kb/articles/reset-your-password/)).

## 2. Create the ticket

Once you are signed in, click the **+ New ticket** button at the bottom of the navigation
bar. The ticket form opens.

## 3. Complete the fields

| Field | What to write |
|---|---|
| **Title** | A short name for the problem, e.g. *Need help with Amazon S3 bucket permissions*. |
| **Text** | What happened, what you expected, and what you already tried. Attach screenshots or logs as evidence. |
| **Type** | The kind of request: an incident, a networking change, a consultancy question… See [Request types](/kb/articles/request-types-guide/). |

While you type the title, the form suggests articles that may already answer your
question. If one does, click **This solved my problem** and no ticket is created.

When you submit, the ticket gets a unique number (for example `IVC-1042`) that you can use
to follow it.
""",
        },
        {
            "slug": "request-types-guide",
            "title": "Request types: which one to choose",
            "summary": "The nine request types, with examples, so your ticket reaches the right engineers first time.",
            "category": "request-types",
            "tags": ["tickets", "request types"],
            "visibility": "public",
            "views": 268,
            "related": ["how-to-request-support", "how-priorities-are-decided"],
            "body": """
The type routes your ticket to the engineers who specialise in it. Pick the one closest to
your need; if you are unsure, choose **Request** or **Incident** and we will reclassify it.

| Type | Use it for |
|---|---|
| **AI / ML – Machine Learning** | Models, training, inference, ML pipelines and other uses of artificial intelligence. |
| **Cloud Compute** | Creating, sizing or adjusting compute: virtual machines, instances, autoscaling. |
| **Cloud Infrastructure** | Environments, base services, storage and the overall architecture of your cloud. |
| **Networking** | Connectivity, firewalls, VPNs, load balancers and access between services. |
| **Consultancy** | Technical advice: architecture reviews, best practices, specialist recommendations. |
| **Data Analytics** | Analyses, reports, dashboards, queries and analytical processing. |
| **Incident** | Something that used to work has stopped or is degraded and needs attention now. |
| **Request** | A planned need that is not a failure: an access, a configuration, a new service. |
| **Security** | Access and credentials, compliance, vulnerabilities and security events. |

### Incident or request?

An **incident** is unexpected: a service fails or slows down. A **request** is something
you plan: *please open port 443 on the staging firewall next Tuesday*. Requests never
need to be P1.
""",
        },
        {
            "slug": "how-priorities-are-decided",
            "title": "How ticket priorities are decided (P1 to P4)",
            "summary": "P1 is only for a complete outage of critical business services; partial failures are P2 or P3.",
            "category": "tickets",
            "tags": ["priority", "P1", "incidents"],
            "visibility": "public",
            "views": 351,
            "related": ["business-hours-and-p1-coverage", "response-times-and-plans"],
            "body": """
Priority reflects the impact on your business, not how urgent a task feels. Engineers
confirm or adjust it when they first look at the ticket. The same names and definitions
appear beside each choice when you open a ticket.

"""
            + priority_table(
                "ivcisa",
                {
                    "P1": "Production is down for every user; the main database cluster is unreachable.",
                    "P2": "Checkout works but takes a minute per order; one region is unavailable.",
                    "P3": "A nightly report fails; one VM cannot be resized.",
                    "P4": "How do I rotate an access key? Please add a user to the analytics project.",
                },
                meaning="When it applies",
            )
            + """
### Why P1 is strict

P1 tickets page an on-call engineer at any hour, every day of the year. Keeping P1 for
real emergencies is what lets us answer them immediately. Minor failures or partial
degradations are handled as P2 or P3 and still receive a response within your plan's
targets.

Configuration questions and standard procedures (usually P3 or P4) are often answered
straight away by this knowledge base.
""",
        },
        {
            "slug": "information-to-gather",
            "title": "Before you open a ticket: what information to gather",
            "summary": "The affected resource, screenshots, logs and the steps that led to the error.",
            "category": "tickets",
            "tags": ["tickets", "evidence", "logs"],
            "visibility": "public",
            "views": 197,
            "related": ["how-to-request-support", "how-priorities-are-decided"],
            "body": """
The first reply from an engineer is only as good as the information in your ticket.
Gathering these four things before you write saves a round of questions:

1. **The exact service or resource affected** — account or project, region, instance ID,
   bucket or cluster name, URL.
2. **Visual evidence** — screenshots of the error messages, with the time visible if
   possible.
3. **Relevant technical records** — application or system logs around the time of the
   failure, error codes, request IDs.
4. **What led to the failure** — the actions taken just before it happened, what changed
   recently, and whether you can reproduce it.

Also say **when it started** and **how many users are affected**; both help us set the
right priority.

> Remove passwords, private keys and personal data from logs before you attach them.
""",
        },
        {
            "slug": "response-times-and-plans",
            "title": "Response times and support plans",
            "summary": "Targets depend on the ticket's priority and on your plan: Essentials, Business or Enterprise.",
            "category": "plans",
            "tags": ["SLA", "plans", "response time"],
            "visibility": "customers",
            "views": 233,
            "related": [
                "how-priorities-are-decided",
                "business-hours-and-p1-coverage",
                "escalation-matrix",
            ],
            "body": """
How fast we respond and resolve depends on two things:

1. **The priority of the ticket** — how critical and complex the incident is
   (see [How ticket priorities are decided](/kb/articles/how-priorities-are-decided/)).
2. **Your organization's support plan** — Essentials, Business or Enterprise.

| Plan | Designed for | Coverage |
|---|---|---|
| **Essentials** | Teams with non-critical workloads | Standard window Monday to Friday; P1 incidents 24/7/365 |
| **Business** | Production workloads | Faster targets Monday to Friday; P1 incidents 24/7/365 |
| **Enterprise** | Business-critical platforms | Our fastest targets; P1 incidents 24/7/365 |

The exact response and resolution times of your contract are in your service agreement.
Your home page shows which plan your organization is on; your IVCISA account manager can
send you the agreement or explain the targets.

Each ticket shows its own targets and how much time is left while it is open.
""",
        },
        {
            "slug": "reset-your-password",
            "title": "Resetting your password",
            "summary": "Use “Forgot your password?” on the sign-in page; the emailed link is valid for a limited time.",
            "category": "account",
            "tags": ["password", "sign-in", "account"],
            "visibility": "public",
            "views": 389,
            "related": ["two-factor-authentication"],
            "body": """
If you forgot your password or cannot sign in, you can set a new one yourself:

1. On the sign-in page, click **Forgot your password?**
2. Enter the email address of your corporate account and send the request.
3. Open the email we send you and follow the link to choose a new password.

**Don't see the email?** Check your *Junk* or *Spam* folder; it normally arrives within a
few minutes. For your protection the page answers the same way whether or not an account
exists for the address.

**Security note:** the link works only once and expires after a short time. Change your
password as soon as you receive it; if the link has expired, simply request a new one.

To change a password you still know, open your profile and choose **Change password**.
Doing so signs out your other sessions.
""",
        },
        {
            "slug": "two-factor-authentication",
            "title": "Setting up two-factor authentication",
            "summary": "Add an authenticator app so signing in needs a code as well as your password.",
            "category": "account",
            "tags": ["2FA", "security", "sign-in"],
            "visibility": "customers",
            "views": 142,
            "related": ["reset-your-password"],
            "body": """
Two-factor authentication (2FA) protects your support cases even if your password is
stolen: after the password, the portal asks for a six-digit code from an app on your
phone.

## Turn it on

1. Install an authenticator app on your phone (any app that supports time-based codes,
   such as the ones from Microsoft, Google or 1Password).
2. Open your **profile** (your name in the navigation) and, under *Two-factor
   authentication*, click **Set up two-factor authentication**.
3. Scan the QR code with the app, then type the code it shows to confirm.
4. Save the **backup codes** somewhere safe. Each one lets you in once if you lose your
   phone.

From then on, every sign-in asks for a fresh code from the app.

## Lost your phone?

Sign in with one of your backup codes and set up the new phone from your profile. If you
have no backup codes left, ask your organization admin to contact us; for your security
we verify the request before removing 2FA from an account.
""",
        },
    ]
    + FOLLOW_UP_ARTICLES
    + ARTICLES_ES
)
