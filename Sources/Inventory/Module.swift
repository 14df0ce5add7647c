// The Inventory module. See CONTRIBUTING.md for what it owns and what it may import.
