#include "runstore.h"
