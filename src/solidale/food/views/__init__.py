"""Pages of food support, one module per area: programs and cards, the counter, stock, rounds."""
