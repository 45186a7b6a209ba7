"""The demo organisation's improvement agenda, custom layers and life-stage segments (telecom template).

Two of the solutions went live during the demo data; the generator removes the share of their reasons'
contacts they were expected to remove (:func:`effects`), so monitoring finds a real change.
"""

from __future__ import annotations

from datetime import date

from workbench.model import Layer, LayerItem, Model, Opportunity, Segment, Solution
from workbench.sample.effects import Effect

OPPORTUNITIES = (
    Opportunity("clear-first-bill", "A first bill customers understand", "The first bill confuses: pro-rata "
                "amounts and one-off costs lead to calls and disputes.", type="Process", owner="Billing",
                reasons=("understand-first-bill", "question-bill"), effort=2, tags=("billing", "onboarding")),
    Opportunity("outage-status-online", "Outage status without calling", "Customers call to find out whether "
                "there is a known outage.", type="Digital", owner="Network operations",
                reasons=("check-outage-status", "report-fault"), effort=3, tags=("self-service",)),
    Opportunity("move-online", "Moving house online, in one flow", "Moving takes calls, a technician visit and "
                "a double charge.", type="Journey", owner="Customer experience", journeys=("i-move-house",),
                effort=4, tags=("journey",)),
    Opportunity("payment-plans-self-service", "Payment plans in My Account", type="Digital", owner="Collections",
                reasons=("arrange-payment-plan", "receive-payment-reminder", "restore-blocked-service"), effort=2,
                status="In progress"),
    Opportunity("remote-diagnostics", "Fix slow internet remotely", type="Technology", owner="Technical support",
                reasons=("fix-slow-internet", "improve-wifi"), effort=3),
    Opportunity("complaints-first-time", "Complaints solved at the first contact", type="People",
                owner="Customer service", reasons=("file-complaint", "escalate-complaint"), effort=4),
    Opportunity("clear-leaving", "Leaving without loose ends", "Final bills, equipment returns and refunds "
                "take several contacts.", type="Process", owner="Billing",
                reasons=("receive-final-bill", "return-equipment", "get-refund"), effort=2),
)
SOLUTIONS = (
    Solution("explained-first-bill", "clear-first-bill", "A redesigned first bill with an explainer video",
             status="Live", owner="Billing", go_live=date(2026, 4, 1), expected=(("volume", -0.3),)),
    Solution("outage-map", "outage-status-online", "An outage map in the app with push alerts", status="Live",
             owner="Network operations", go_live=date(2026, 7, 1), expected=(("volume", -0.25),)),
    Solution("payment-plan-flow", "payment-plans-self-service", "A payment-plan flow in My Account",
             status="In progress", owner="Collections"),
)
LAYERS = (Layer("capabilities", "Capability", "What the organisation must be able to do for a step"),
          Layer("departments", "Department", "Who handles the contacts of a reason"))
LAYER_ITEMS = (
    LayerItem("online-identity-check", "capabilities", "Online identity check",
              reasons=("pass-credit-check", "order-subscription", "transfer-contract")),
    LayerItem("proactive-notifications", "capabilities", "Proactive notifications",
              reasons=("check-outage-status", "receive-payment-reminder", "track-order")),
    LayerItem("remote-diagnostics", "capabilities", "Remote line diagnostics",
              reasons=("fix-slow-internet", "report-fault", "improve-wifi")),
    LayerItem("billing-department", "departments", "Billing department", owner="Head of billing",
              reasons=("receive-bill", "pay-bill", "question-bill", "understand-first-bill", "receive-final-bill")),
    LayerItem("technical-support", "departments", "Technical support", owner="Head of support",
              reasons=("report-fault", "fix-slow-internet", "fix-mobile-reception", "repair-device")),
)
SEGMENTS = {
    "students": dict(needs_and_wants="Cheap data, no long contracts", pain_points="Unexpected costs abroad",
                     products="SIM only", money_spent=22.0, tenure="1–2 years",
                     favourite_channels=("app", "social"), risks="Leave at the end of term"),
    "young-professionals": dict(needs_and_wants="Fast internet, the newest phone", pain_points="Waiting for an "
                                "engineer", products="Mobile and fibre", money_spent=58.0, tenure="2–4 years",
                                favourite_channels=("app", "chat"), risks="Switch for a better deal"),
    "families": dict(needs_and_wants="One bundle for the whole household", pain_points="Bills that are hard to "
                     "read", products="Bundle with TV", money_spent=95.0, tenure="5+ years",
                     favourite_channels=("web", "phone"), risks="Moving house"),
    "seniors": dict(needs_and_wants="Someone to call, simple devices", pain_points="Digital-only service",
                    products="Landline and mobile", money_spent=41.0, tenure="10+ years",
                    favourite_channels=("phone", "shop"), risks="Bereavement"),
    "small-business": dict(needs_and_wants="Uptime, one contact person", pain_points="Outages during opening "
                           "hours", products="Business fibre and mobile", money_spent=140.0, tenure="3–6 years",
                           favourite_channels=("phone", "email"), risks="Outages"),
}


def with_agenda(model: Model) -> Model:
    """``model`` (the telecom template) with the demo's opportunities, solutions, layers and segment
    attributes; entities whose reasons, journeys or channels the model lacks are left out."""
    out = model.copy()
    for segment_id, attributes in SEGMENTS.items():
        if segment_id in out.segments:
            channels = tuple(c for c in attributes["favourite_channels"] if c in out.channels)
            out.segments[segment_id] = Segment(**{**vars(out.segments[segment_id]), **attributes,
                                                  "favourite_channels": channels})
    for entity in (*LAYERS, *LAYER_ITEMS, *OPPORTUNITIES, *SOLUTIONS):
        try:
            out.add(entity)
        except ValueError:
            continue  # another template: a reason or journey this one lacks
    return out


def effects(model: Model) -> list[Effect]:
    """What the live solutions did to their opportunities' reasons' contacts (for the generator)."""
    out = []
    for solution in SOLUTIONS:
        opportunity = next((o for o in OPPORTUNITIES if o.id == solution.opportunity), None)
        change = dict(solution.expected).get("volume")
        if solution.go_live is None or opportunity is None or change is None:
            continue
        reasons = tuple(r for r in opportunity.reasons if r in model.reasons)
        if reasons:
            out.append(Effect(reasons, solution.go_live, change))
    return out
