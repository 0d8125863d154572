// Angular's partially compiled packages need the JIT compiler when loaded outside an Angular build.
import '@angular/compiler';
