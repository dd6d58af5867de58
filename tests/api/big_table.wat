(module (table 100 funcref))
