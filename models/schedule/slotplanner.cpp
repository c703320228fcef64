#include "slotplanner.h"
