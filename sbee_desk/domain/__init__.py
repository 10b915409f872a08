"""Business rules of business-rules.md: enums, value objects, decisions. No Qt, no Session."""
