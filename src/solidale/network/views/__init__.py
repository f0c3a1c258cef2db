"""Pages of the network: the public directory, organizations, the organization's services."""
