"""Feedback texts → contact reasons: features, rules, the reason model, confirmed tags and the figures of
the customer listening path. No Panel; nothing downloaded."""
