"""The demo tickets: what each customer asked and what happened next, step by step."""

from dataclasses import dataclass

from helpdesk.priorities import Priority

from ..models import Status


@dataclass(frozen=True)
class DemoTicket:
    org: int
    type_name: str
    priority: str
    title: str
    service: str
    text: str
    days_ago: float
    flow: tuple = ()  # ("assign", tier) | ("reply", body) | ("note", body) | ("customer", body)
    # | ("status", status) | ("file", name, text)


IVCISA_TICKETS = [
    DemoTicket(
        0,
        "Networking",
        Priority.P2,
        "Site-to-site VPN to AWS drops every 30 minutes",
        "VPN tunnel bog-prod ↔ vpc-0a12 (us-east-1)",
        "Since Monday the IPsec tunnel between our Bogotá office and the production VPC "
        "renegotiates roughly every 30 minutes and drops active sessions.\n\nPhase 2 "
        "lifetime on our side is 3600 s.",
        3.2,
        (
            ("file", "tunnel-status.log", "09:14:02 IKEv2 SA rekey failed\n09:14:05 DPD timeout\n"),
            ("assign", "L2"),
            (
                "reply",
                "Thanks, we see DPD timeouts on the AWS side too. Could you send the "
                "phase 1 proposal from your firewall?",
            ),
            ("note", "Customer firewall is a FortiGate 60F; check NAT-T."),
            ("status", Status.ON_HOLD),
        ),
    ),
    DemoTicket(
        0,
        "Cloud Compute",
        Priority.P3,
        "Resize reporting VM to 16 GB RAM",
        "EC2 i-0b4f reporting-01",
        "Our month-end reports run out of memory. Please "
        "resize reporting-01 to an instance type with 16 GB.",
        6,
        (
            ("assign", "L1"),
            ("reply", "Done: reporting-01 is now r6i.large (16 GB). The reboot took 2 minutes."),
            ("status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        1,
        "Incident",
        Priority.P1,
        "Warehouse API returns 502 for all requests",
        "api.pacifico-logistics.example (ALB + ECS)",
        "All calls to the warehouse API "
        "fail with 502 since 02:10. Drivers cannot confirm deliveries.",
        0.4,
        (
            ("assign", "L2"),
            (
                "reply",
                "We are on it: the ECS service has 0 healthy "
                "tasks. Rolling back the 01:55 deployment now.",
            ),
        ),
    ),
    DemoTicket(
        1,
        "Data Analytics",
        Priority.P3,
        "Daily deliveries dashboard shows yesterday twice",
        "QuickSight dashboard “Deliveries per day”",
        "The dashboard duplicates the previous day since the daylight-saving change.",
        9,
        (
            ("assign", "L1"),
            ("reply", "The dataset refresh used local midnight; fixed to UTC."),
            ("status", Status.RESOLVED),
            ("status", Status.CLOSED),
        ),
    ),
    DemoTicket(
        2,
        "Security",
        Priority.P2,
        "Suspicious sign-ins on the admin console",
        "AWS account 4411-xxxx (root and admin IAM users)",
        "GuardDuty reports console sign-ins from an unknown country for the admin user.",
        1.1,
        (
            (
                "file",
                "guardduty-finding.json",
                '{"type": "UnauthorizedAccess:IAMUser/ConsoleLogin"}\n',
            ),
        ),
    ),
    DemoTicket(
        2,
        "Consultancy",
        Priority.P4,
        "Review of our multi-account landing zone",
        "AWS Organizations",
        "We plan to split dev and prod into separate accounts and "
        "would like a review of the proposed OU structure.",
        2.5,
        (),
    ),
    DemoTicket(
        0,
        "IA / ML – Machine Learning",
        Priority.P3,
        "SageMaker endpoint latency doubled",
        "SageMaker endpoint churn-model-v4",
        "p95 latency went from 180 ms to 400 ms after the last model update.",
        1.8,
        (("assign", "L3"),),
    ),
    DemoTicket(
        1,
        "Request",
        Priority.P4,
        "New IAM user for our auditor",
        "AWS account logistics-prod",
        "Please create a read-only user for our external auditor until the end of the month.",
        0.2,
        (),
    ),
]

INVOCA_TICKETS = [
    DemoTicket(
        0,
        "Calls not connecting",
        Priority.P1,
        "Inbound calls to claims line fail",
        "Campaign “Claims – TV” (800 numbers)",
        "Callers hear a fast busy tone on all claims numbers since 07:40 PT.",
        0.3,
        (
            ("assign", "L2"),
            (
                "reply",
                "Confirmed: the carrier route for these numbers "
                "failed over incorrectly. Re-routing now.",
            ),
        ),
    ),
    DemoTicket(
        0,
        "Data mismatch",
        Priority.P3,
        "Conversions in Google Ads lower than in Invoca",
        "Google Ads integration",
        "Google Ads shows 20% fewer conversions than the Invoca report for last week.",
        4,
        (
            ("assign", "L1"),
            (
                "reply",
                "Could you export the Google Ads conversion report "
                "for the same week so we can compare call by call?",
            ),
            ("status", Status.ON_HOLD),
        ),
    ),
    DemoTicket(
        1,
        "Cannot sign in",
        Priority.P2,
        "Dealers cannot sign in after SSO change",
        "SSO (Okta) for summit-auto",
        "Since our Okta certificate rotation, dealers get “invalid assertion”.",
        1.2,
        (
            (
                "file",
                "saml-error.txt",
                "SAML assertion signature invalid: cert fingerprint mismatch\n",
            ),
            ("assign", "L2"),
            (
                "note",
                "New cert fingerprint needs updating in the IdP "
                "config; waiting for customer metadata.",
            ),
        ),
    ),
    DemoTicket(
        1,
        "Report question",
        Priority.P4,
        "How do I filter calls by dealer region?",
        "Reporting",
        "We want a report of calls per dealer region.",
        8,
        (
            ("assign", "L1"),
            (
                "reply",
                "Use a custom data field “region” and group by "
                "it; steps are in the knowledge base.",
            ),
            ("status", Status.RESOLVED),
        ),
    ),
    DemoTicket(
        2,
        "Scheduled export failed",
        Priority.P3,
        "Nightly call export to SFTP missing",
        "Scheduled export “calls-nightly”",
        "Last night's export did not arrive on our SFTP server.",
        2.1,
        (),
    ),
    DemoTicket(
        2,
        "Invoice question",
        Priority.P4,
        "Invoice shows two platform fees",
        "Invoice INV-2026-10",
        "October's invoice lists the platform fee twice.",
        5,
        (("assign", "L1"),),
    ),
]

TICKETS = {"ivcisa": IVCISA_TICKETS, "invoca": INVOCA_TICKETS}
