"""The status page: components, incidents and maintenance windows, joined to tickets."""
